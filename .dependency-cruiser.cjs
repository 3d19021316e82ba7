/**
 * The layers of Cổng's code, bottom to top. A module imports its own folder and lower layers only; no
 * import cycle anywhere. test/unit/layers.test.ts runs these rules over functions/, schemas/ and lib/
 * (`npx depcruise functions schemas lib` prints the same report).
 *
 *  1. schemas/                 zod request, response and message schemas: import nothing of ours.
 *  2. functions/registry/      the agency registry and the administrative map it is derived from.
 *  3. functions/core/          infrastructure: clients, config, keys, errors, HTTP adapter, logging.
 *  4. functions/catalog/       procedures, forms, fees, places, FAQ.
 *  5. kernel, in this order:   what several features share about a dossier.
 *       notices/    notice texts and the notifications queue
 *       steps/      a procedure's step plan, clocks and progress
 *       pii/        sealing, masking, citizen-ID hashes, the profile keys
 *       documents/  uploads, scan checks, attachments, result documents and the document library
 *       dossiers/   the agency-queue message contract, advancing a dossier, idempotency
 *  6. features, in tiers:      a feature imports features of lower tiers only, never one of its own tier.
 *       tier 1  payments, petitions, stats, results, uploads, identity, feedback
 *       tier 2  intake, me, support, sla, tracking
 *       tier 3  dispatch, notifications
 *       tier 4  agencies, rights
 *     functions/dev/          the local cloud's own routes (dev sign-in, outbox).
 *  7. functions/routes.ts     the route table (each group's routes put together); functions/deployment.ts,
 *                             the deployment map, above it.
 *  8. functions/platform/     OpenAPI and the platform endpoints (its routes.ts sits just below 7).
 *  9. lib/                     CDK stacks, the local cloud and operator tools: may import any function.
 *
 * Known exceptions are listed in `knownViolations` below, each with the change that removes it.
 */

/** Bottom to top; each entry is one layer, a list of folders (relative to the repository root). */
const layers = [
  { name: 'schemas', folders: ['schemas'] },
  { name: 'registry', folders: ['functions/registry'] },
  { name: 'core', folders: ['functions/core'] },
  { name: 'catalog', folders: ['functions/catalog'] },
  { name: 'notices', folders: ['functions/notices'] },
  { name: 'steps', folders: ['functions/steps'] },
  { name: 'pii', folders: ['functions/pii'] },
  { name: 'documents', folders: ['functions/documents'] },
  { name: 'dossiers', folders: ['functions/dossiers'] },
  {
    name: 'features-1',
    folders: [
      'functions/payments',
      'functions/petitions',
      'functions/stats',
      'functions/results',
      'functions/uploads',
      'functions/identity',
      'functions/feedback',
    ],
  },
  {
    name: 'features-2',
    folders: ['functions/intake', 'functions/me', 'functions/support', 'functions/sla', 'functions/tracking'],
  },
  { name: 'features-3', folders: ['functions/dispatch', 'functions/notifications'] },
  { name: 'features-4', folders: ['functions/agencies', 'functions/rights'] },
  // Local-only routes (test sign-in, the notification outbox), served by the local cloud itself.
  { name: 'dev', folders: ['functions/dev'] },
  // The platform group's own route definitions sit below the table that gathers them; the rest of
  // functions/platform/ (OpenAPI) reads the table.
  { name: 'platform-routes', folders: ['functions/platform/routes.ts'] },
  { name: 'routes', folders: ['functions/routes.ts'] },
  { name: 'deployment', folders: ['functions/deployment.ts'] },
  { name: 'platform', folders: ['functions/platform'] },
  { name: 'lib', folders: ['lib'] },
];

const folderPattern = (folders) =>
  `^(${folders.map((f) => f.replace(/[.]/g, '\\.') + (f.endsWith('.ts') ? '$' : '/')).join('|')})`;

/** Files given a layer of their own below their folder's, as a `pathNot` for the layers up to `i`. */
const lowerFiles = (i) => {
  const files = layers.slice(0, i + 1).flatMap((l) => l.folders.filter((f) => f.endsWith('.ts')));
  return files.length ? { pathNot: folderPattern(files) } : {};
};

/** One rule per layer: nothing in it imports a layer above it. */
const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.name}`,
  comment: `${layer.folders.join(', ')} may import only lower layers (see the top of .dependency-cruiser.cjs).`,
  severity: 'error',
  from: { path: folderPattern(layer.folders) },
  to: {
    path: folderPattern(layers.slice(i + 1).flatMap((l) => l.folders)),
    // A single file placed in this layer or below (platform/routes.ts) is not its folder's layer.
    ...lowerFiles(i),
  },
}));

/** Folders of one layer stay independent of each other. */
const sideways = layers
  .filter((layer) => layer.folders.length > 1)
  .map((layer) => ({
    name: `no-sideways-in-${layer.name}`,
    comment: `${layer.folders.join(', ')} share a layer: none imports another; move what they share down.`,
    severity: 'error',
    from: { path: folderPattern(layer.folders) },
    to: { path: folderPattern(layer.folders), pathNot: '^$1' },
  }));

/** Every folder of functions/ must belong to a layer, so a new one cannot slip past the rules. */
const unplaced = {
  name: 'no-unplaced-folder',
  comment: 'Every folder of functions/ is placed in a layer at the top of .dependency-cruiser.cjs.',
  severity: 'error',
  from: { path: '^functions/', pathNot: folderPattern(layers.flatMap((l) => l.folders)) },
  to: {},
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No module reaches itself through its imports (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-tooling-from-code',
      comment: 'Deployed code never imports bin/, test/, scripts/ or web/.',
      severity: 'error',
      from: { path: '^(functions|schemas)/' },
      to: { path: '^(bin|test|scripts|web)/' },
    },
    unplaced,
    ...upward,
    ...sideways,
  ],
  options: {
    /**
     * Known exceptions, each removed by a change under way. The layering test fails when one of them no
     * longer occurs, so the list cannot outlive its reason.
     */
    knownViolations: [],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.json$' },
  },
};
