// The input rules MLflow enforces for logged models (validation.py's _validate_logged_model_name),
// with its message, plus the length limit of the name column.
import { MlflowError } from '../errors.js';
import { pyStr, pyTuple } from '../search/python-repr.js';
import { exceedsMaximumLength } from './validation.js';

const BAD_NAME_CHARS = ['/', ':', '.', '%', '"', "'"];
const NAME_LENGTH = 500;

/** A name, when given, must be non-empty and free of path and quoting characters. */
export function validateLoggedModelName(name: string | undefined): void {
  if (name === undefined) return;
  if (!name || BAD_NAME_CHARS.some((c) => name.includes(c))) {
    throw MlflowError.invalidParameter(
      `Invalid model name (${pyStr(name)}) provided. Model name must be a non-empty string and ` +
        `cannot contain the following characters: ${pyTuple(BAD_NAME_CHARS)}`,
    );
  }
  if (name.length > NAME_LENGTH) {
    throw MlflowError.invalidParameter(exceedsMaximumLength('name', NAME_LENGTH));
  }
}
