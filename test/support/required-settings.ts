/** The settings every function requires (no default), with stand-in values: a minimal valid environment. */
export const requiredSettings = {
  TABLE_NAME: 'cong',
  UPLOADS_BUCKET: 'cong-uploads',
  JWT_ISSUER: 'https://issuer.example',
  JWT_AUDIENCE: 'cong',
  JWT_JWKS_URL: 'https://issuer.example/jwks.json',
};
