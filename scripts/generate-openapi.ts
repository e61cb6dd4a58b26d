// `npm run openapi`: writes docs/openapi.json from scripts/openapi.ts, formatted as the project's Prettier settings
// format JSON, so the file passes `npm run format:check` as written. Run it after changing a schema or a route;
// test/docs/openapi.test.ts fails while the committed file differs from what the code generates.
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument } from './openapi';
import { projectPath } from '../catalog/paths';

const file = projectPath('docs', 'openapi.json');
const options = (await resolveConfig(file)) ?? {};
writeFileSync(
  file,
  await format(JSON.stringify(buildOpenApiDocument(), null, 2), { ...options, filepath: file }),
);
console.log(`wrote ${file}`);
