import { Type, type Static } from '@sinclair/typebox';
import { oneOf } from '@archaics/contracts';

/** `GET /api/status`: whether the built UI is there, which server this is. */
export const StatusResponse = Type.Object({
  ui: oneOf(['ready', 'building', 'failed']),
  mode: oneOf(['dashboard', 'control']),
  version: Type.String(),
});
export type StatusResponse = Static<typeof StatusResponse>;
