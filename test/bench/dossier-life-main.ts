/** The whole-life section of `npm run bench`, in a process of its own (one local portal per process). */
import { printDossierLife } from './dossier-life-report.js';

await printDossierLife();
