// Makes the CommonJS twins (.d.cts) of the declarations tsc wrote, with relative specifiers pointing at
// the twins, so `require('tapegrad')` is typed from CommonJS declaration files.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.d.ts')) {
      const src = readFileSync(p, 'utf8').replace(/(from\s+['"]\.{1,2}\/[^'"]*?)\.js(['"])/g, '$1.cjs$2');
      writeFileSync(p.replace(/\.d\.ts$/, '.d.cts'), src);
    }
  }
}
walk(new URL('./dist', import.meta.url).pathname);
