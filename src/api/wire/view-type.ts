// MLflow's ViewType enum as it arrives over JSON: its name or its protobuf number (1, 2, 3).
import { z } from 'zod';
import { VIEW_TYPES } from '../../search/view-type.js';

export const viewType = () =>
  z.preprocess((v) => {
    if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) {
      return VIEW_TYPES[Number(v) - 1] ?? v;
    }
    return v;
  }, z.enum(VIEW_TYPES));
