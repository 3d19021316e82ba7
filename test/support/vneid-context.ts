/** CDK context of a VNeID federation, as an operator passes it (`-c vneidIssuerUrl=...`). */
export const VNEID_CONTEXT = {
  vneidIssuerUrl: 'https://sso.vneid.example.gov.vn',
  vneidClientId: 'cong-portal',
  vneidClientSecretName: 'cong/prod/vneid-client-secret',
} as const;
