// Field types as MLflow's protobuf JSON parser accepts them: int64 as number or numeric string,
// doubles including "NaN"/"Infinity", and required strings where "" counts as missing.
import { z } from 'zod';

const INTEGER_TEXT = /^-?\d+$/;
const SPECIAL_DOUBLES: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
};

export const int64 = () =>
  z.preprocess(
    (v) => (typeof v === 'string' && INTEGER_TEXT.test(v.trim()) ? Number(v) : v),
    z.number().int(),
  );

export const double = () =>
  z
    .preprocess(
      (v) => {
        if (typeof v !== 'string') return v;
        if (v in SPECIAL_DOUBLES) return SPECIAL_DOUBLES[v];
        const n = Number(v);
        return v.trim() !== '' && !Number.isNaN(n) ? n : v;
      },
      z.custom<number>((v) => typeof v === 'number'),
    )
    // z.custom has no JSON Schema of its own; the OpenAPI document gets the wire format from here.
    .meta({
      anyOf: [{ type: 'number' }, { type: 'string', enum: Object.keys(SPECIAL_DOUBLES) }],
    });

/** A string the request must carry; "" is treated as absent, as proto3 does. */
export const requiredString = () => z.string().min(1);

export const optionalString = () => z.string().optional();

export const keyValue = () => z.object({ key: requiredString(), value: z.string().optional() });
