import { Type, type Static } from '@sinclair/typebox';
import { BusinessService } from '@archaics/contracts';

/** A manual `POST /analyze` (chaos token): why, and optionally which services the caller suspects. */
export const ManualAnalyze = Type.Object(
  {
    source: Type.Literal('manual'),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    services: Type.Optional(Type.Array(BusinessService, { maxItems: 4 })),
  },
  { additionalProperties: false },
);
export type ManualAnalyze = Static<typeof ManualAnalyze>;

export const AnalyzeAccepted = Type.Object({
  incident_id: Type.String(),
  status: Type.String(),
  /** False when the same anomaly_id had already opened this incident. */
  created: Type.Boolean(),
});

export const ApproveAccepted = Type.Object({ incident_id: Type.String(), status: Type.String() });
