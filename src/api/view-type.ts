// MLflow's ViewType enum as it arrives over JSON: its name or its protobuf number.
import { z } from 'zod';

const VIEW_TYPES = { ACTIVE_ONLY: 1, DELETED_ONLY: 2, ALL: 3 } as const;
export type ViewTypeName = keyof typeof VIEW_TYPES;

export const viewType = () =>
  z.preprocess(
    (v) => {
      if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) {
        const name = Object.entries(VIEW_TYPES).find(([, n]) => n === Number(v))?.[0];
        return name ?? v;
      }
      return v;
    },
    z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']),
  );
