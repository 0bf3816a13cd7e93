// Request pieces the registered-model and model-version endpoints share: creation-time tags and
// the search request with MLflow's max_results bounds.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { validateRegistryTag } from '../../services/registry-validation.js';
import { int64 } from '../wire/fields.js';
import { invalidQueryParameter } from '../../http/request-validation.js';

export const registryTagSchema = z.object({
  key: z.string().optional(),
  value: z.string().optional(),
});

/** Tags given at creation, validated as MLflow does (a missing value is stored as ''). */
export function checkedRegistryTags(
  tags: z.infer<typeof registryTagSchema>[] | undefined,
  validate: (key: string, value: string) => void = validateRegistryTag,
): { key: string; value: string }[] {
  return (tags ?? []).map((t, i) => {
    if (t.key === undefined) {
      throw MlflowError.invalidParameter(`Missing value for required parameter 'tags[${i}].key'.`);
    }
    const tag = { key: t.key, value: t.value ?? '' };
    validate(tag.key, tag.value);
    return tag;
  });
}

export const registrySearchRequest = z.object({
  filter: z.string().optional(),
  max_results: int64().optional(),
  order_by: z.array(z.string()).optional(),
  page_token: z.string().optional(),
});

/** `max_results` or its default; above the threshold MLflow's request check refuses it. */
export function registryMaxResults(
  value: number | undefined,
  limits: { default: number; threshold: number },
): number {
  const maxResults = value ?? limits.default;
  if (maxResults > limits.threshold) throw invalidQueryParameter('max_results', maxResults);
  return maxResults;
}
