import { Type } from '@sinclair/typebox';

export const Credentials = (password: { minLength: number; maxLength: number }, description: string) =>
  Type.Object(
    {
      email: Type.String({
        maxLength: 320,
        description: 'a valid address of at most 254 characters (trimmed, case-insensitive)',
        examples: ['ada@example.com'],
      }),
      password: Type.String({ ...password, description }),
    },
    { additionalProperties: false },
  );

export const SignupBody = Credentials({ minLength: 8, maxLength: 128 }, '8..128 characters');
export const LoginBody = Credentials({ minLength: 1, maxLength: 1024 }, 'the password given at sign-up');

export const UserView = Type.Object({
  user_id: Type.String({ format: 'uuid' }),
  email: Type.String(),
});

export const TokenView = Type.Object({
  access_token: Type.String({ description: 'HS256 JWT: sub = user_id, email, iss/aud "archaics"' }),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
});

export const ValidView = Type.Object({
  valid: Type.Literal(true),
  user_id: Type.String(),
  email: Type.String(),
});

export const RateLimited = Type.Object({
  error: Type.Literal('too_many_attempts'),
  detail: Type.String(),
  retry_after_s: Type.Integer(),
});
