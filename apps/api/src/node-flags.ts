// How the API process is started (launcher, bench; the Dockerfile and docker-compose.yml repeat these literally).
// Measured on the 100k-structure search bench (bench/search/README.md): with V8's defaults the old generation
// grows to ~180 MB of mostly garbage during a full XLSX export (the heap is far from V8's limit, so no major GC
// runs) and the young generation reserves 32 MB: peak RSS 305–394 MB. With these flags: ~200 MB, same CPU per
// request. The live heap is ~80 MB after every feature ran once, so 192 MB leaves more than twice that as headroom.
export const API_NODE_FLAGS: readonly string[] = ['--max-old-space-size=192', '--max-semi-space-size=8'];

/**
 * glibc gives each thread its own malloc arena; Node's libuv threads (zlib for XLSX, DNS…) then keep freed native
 * memory (a 100k-row export took the API from ~270 MB to ~400 MB without it).
 */
export const API_MALLOC_ARENA_MAX = '2';

/** Imports and the first-start seed (package.json's import:* scripts repeat these): see bench/imports/README.md. */
export const IMPORT_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512', '--max-semi-space-size=8'];
