import type { BuildResult } from 'esbuild';

/** apps/cli/dist, where the compiled CLI goes. */
export declare const DIST_DIR: string;
/** Builds the CLI into apps/cli/dist; files that did not change are left alone. */
export declare function buildCli(options?: { metafile?: boolean }): Promise<BuildResult<{ write: false; metafile: boolean }>>;
