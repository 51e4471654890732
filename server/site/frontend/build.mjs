// Bundles the query page (src/main.js and src/query.css) with esbuild.
//
// Output: $DLBIO_ASSETS_DIR, else <project>/build/assets (what the Flask app serves at /assets/).
// The bundle is minified, with a source map pointing at the readable sources in src/.
import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, "..", "..", "..");
const outdir = process.env.DLBIO_ASSETS_DIR
  ? path.resolve(process.env.DLBIO_ASSETS_DIR)
  : path.join(projectRoot, "build", "assets");

await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { query: path.join(here, "src", "main.js"), "query-style": path.join(here, "src", "query.css") },
  bundle: true,
  format: "esm",
  target: ["es2020"],
  outdir,
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
console.log(`query page assets written to ${outdir}`);
