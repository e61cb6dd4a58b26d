// The DynamoDB calls the handlers' code makes, read from functions/: the catalog grants only actions some code
// calls, and the actions no code calls (Scan, DeleteItem, batches, transactions) stay ungranted
// (test/infra/functions.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import { projectRoot } from '../../catalog/paths';

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );

/** The action each document-client command needs. */
const actionOfCommand: Readonly<Record<string, string>> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  QueryCommand: 'Query',
  DeleteCommand: 'DeleteItem',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
};

const called = new Set(
  sources(join(projectRoot, 'functions')).flatMap((code) =>
    [...code.matchAll(/new (\w+Command)\(/g)].map((m) => actionOfCommand[m[1]!]).filter(Boolean),
  ),
);

describe('the DynamoDB calls of the handlers', () => {
  it('are item reads and writes and index queries only', () => {
    expect([...called].sort()).toEqual(['GetItem', 'PutItem', 'Query', 'UpdateItem']);
  });

  it('cover every action the catalog grants', () => {
    const granted = new Set(
      functionCatalog.flatMap((spec) => Object.values(spec.tables).flatMap((access) => access.actions)),
    );
    for (const action of granted) expect(called, `${action} is granted but never called`).toContain(action);
  });
});
