/**
 * Where `npm run web:build` writes the citizen page (index.html and assets with content-hashed names),
 * relative to the repository root. The Web stack deploys this directory when it exists; context
 * `webBuildDir` points elsewhere (the infrastructure tests use a temporary directory).
 */
export const WEB_BUILD_DIR = 'build/web';
