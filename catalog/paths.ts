// Where the stack finds the project's files (handlers, ASL, lockfile), independent of the working directory.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const projectPath = (...segments: string[]): string => join(projectRoot, ...segments);
