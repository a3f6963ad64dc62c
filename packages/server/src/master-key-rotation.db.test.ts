import { randomBytes } from 'node:crypto';
import {
  createLookupKeyRepository,
  createSealedValueRepository,
  sealedColumns,
  type SealedValueRepository,
  type VisageDatabase,
} from '@visage/storage';
import { dialectNames, freshDatabase } from '@visage/storage/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLookupKeys } from './adapters/lookup-keys.js';
import { createSecretBox, SecretBoxError, type MasterKeySecretBox } from './adapters/secret-box.js';
import { masterKeyStatus, rewrapSealedValues } from './master-key-rotation.js';

const at = '2026-12-05T10:00:00.000Z';

interface Sealed {
  readonly table: string;
  readonly column: string;
  readonly key: readonly (string | number)[];
  readonly context: string;
  readonly plain: Buffer;
}

/**
 * Writes a few rows into every table with a registered sealed column (values sealed under `box`), and the lookup
 * keys through `openLookupKeys`. Returns what each value must open to, and under which context.
 */
async function fill(database: VisageDatabase, box: MasterKeySecretBox): Promise<Sealed[]> {
  const { db } = database;
  const sealed: Sealed[] = [];
  const seal = (table: string, column: string, key: readonly (string | number)[]) => {
    const context = `${table}:${column}:${key.join('/')}`;
    const plain = randomBytes(20 + sealed.length);
    sealed.push({ table, column, key, context, plain });
    return Buffer.from(box.seal(plain, context));
  };
  const text = (table: string, column: string, key: readonly (string | number)[]) =>
    seal(table, column, key).toString('base64');
  const ids = ['1', '2', '3'];

  await db
    .insertInto('organization')
    .values({ id: 'org_1', name: 'Acme', certification: 'pending', status: 'active', created_at: at, updated_at: at })
    .execute();
  await db
    .insertInto('app')
    .values({
      id: 'app_1',
      org_id: 'org_1',
      name: 'a',
      description: null,
      domains: '[]',
      decision_far: '1e-4',
      image_retention_seconds: 0,
      result_retention_seconds: 86400,
      allow_multiple_faces: 0,
      webhook_url: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  for (const n of ids) {
    await db
      .insertInto('api_key')
      .values({
        id: `ak_${n}`,
        app_id: 'app_1',
        org_id: 'org_1',
        mode: 'live',
        secret_sealed: text('api_key', 'secret_sealed', [`ak_${n}`]),
        ip_allowlist: '[]',
        status: 'active',
        created_at: at,
        revoked_at: null,
        expires_at: null,
        replaced_by: null,
      })
      .execute();
    await db
      .insertInto('webhook_secret')
      .values({
        id: `whs_${n}`,
        app_id: 'app_1',
        secret_sealed: text('webhook_secret', 'secret_sealed', [`whs_${n}`]),
        created_at: at,
        expires_at: null,
      })
      .execute();
    await db
      .insertInto('idempotency_record')
      .values({
        scope: 'org_1:app_1:live',
        key: `k${n}`,
        request_hash: 'h',
        status: 'done',
        response_status: 200,
        response_body: text('idempotency_record', 'response_body', ['org_1:app_1:live', `k${n}`]),
        call_id: null,
        locked_until: at,
        created_at: at,
        expires_at: at,
      })
      .execute();
    await db
      .insertInto('verification')
      .values({
        id: `ver_${n}`,
        org_id: 'org_1',
        app_id: 'app_1',
        key_id: 'ak_1',
        product: 'compare',
        sandbox: 0,
        subject_ref: null,
        consent_id: null,
        biz_no: null,
        request_id: `req_${n}`,
        result_code: 'ok',
        billed: 1,
        amount_fen: 10,
        created_at: at,
        time_used_ms: 5,
        result_sealed: seal('verification', 'result_sealed', [`ver_${n}`]),
        result_expires_at: at,
        erased_at: null,
      })
      .execute();
    for (const role of ['selfie', 'selfie:template']) {
      await db
        .insertInto('verification_blob')
        .values({
          verification_id: `ver_${n}`,
          role,
          sealed: seal('verification_blob', 'sealed', [`ver_${n}`, role]),
          expires_at: at,
        })
        .execute();
    }
    await db
      .insertInto('certification_document')
      .values({
        id: `doc_${n}`,
        org_id: 'org_1',
        kind: 'licence',
        content_type: 'image/png',
        bytes: 3,
        sealed: seal('certification_document', 'sealed', [`doc_${n}`]),
        uploaded_by: 'usr_1',
        created_at: at,
      })
      .execute();
    await db
      .insertInto('capture_session')
      .values({
        id: `cap_${n}`,
        org_id: 'org_1',
        app_id: 'app_1',
        key_id: 'ak_1',
        sandbox: 0,
        caller_json: '{}',
        liveness: 'still',
        challenges: '[]',
        subject_ref: null,
        biz_no: null,
        return_url: 'https://example.com/',
        notify_url: null,
        locale: null,
        max_attempts: 3,
        attempts_used: 1,
        status: 'completed',
        reason: null,
        created_at: at,
        expires_at: at,
        finished_at: at,
        token_hash: `t${n}`,
        token_used_at: null,
        page_token_hash: null,
        reference_sealed: seal('capture_session', 'reference_sealed', [`cap_${n}`]),
        consent_id: null,
        current_attempt_id: null,
        result_sealed: seal('capture_session', 'result_sealed', [`cap_${n}`]),
        result_expires_at: at,
        call_id: null,
        deciding_attempt_id: null,
        deciding_until: null,
      })
      .execute();
    await db
      .insertInto('identity_record')
      .values({
        id: `idr_${n}`,
        sandbox: 0,
        number_hash: `hash${n}`,
        number_sealed: seal('identity_record', 'number_sealed', [`idr_${n}`]),
        number_masked: '1101**********0001',
        name_sealed: seal('identity_record', 'name_sealed', [`idr_${n}`]),
        name_masked: '张*',
        template_model: 'model@1',
        template_sealed: seal('identity_record', 'template_sealed', [`idr_${n}`]),
        photo_sealed: seal('identity_record', 'photo_sealed', [`idr_${n}`]),
        source: 'test',
        created_at: at,
        updated_at: at,
      })
      .execute();
  }
  await db
    .insertInto('capture_attempt')
    .values({ id: 'att_1', session_id: 'cap_1', started_at: at, ended_at: null, outcome: null })
    .execute();
  for (const index of [0, 1, 2]) {
    await db
      .insertInto('capture_frame')
      .values({
        attempt_id: 'att_1',
        step: 'still',
        frame_index: index,
        session_id: 'cap_1',
        captured_at_ms: index,
        received_at: at,
        analysis_sealed: seal('capture_frame', 'analysis_sealed', ['att_1', 'still', index]),
      })
      .execute();
  }
  await db
    .insertInto('certification_application')
    .values({
      org_id: 'org_1',
      company_name: 'Acme',
      credit_code: null,
      legal_rep_name: null,
      legal_rep_id_sealed: seal('certification_application', 'legal_rep_id_sealed', ['org_1']),
      legal_rep_id_masked: null,
      contact_name: null,
      contact_phone: null,
      address: null,
      industry_code: null,
      screening: null,
      submitted_at: null,
      decided_at: null,
      decided_by: null,
      decision_reason: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return sealed;
}

/** Opens every filled value with `box` under its context; the plaintexts must be unchanged. */
async function expectAllOpen(repo: SealedValueRepository, box: MasterKeySecretBox, sealed: readonly Sealed[]) {
  for (const value of sealed) {
    const column = sealedColumns.find((c) => c.table === value.table && c.column === value.column)!;
    const stored = await repo.read(column, value.key);
    expect(stored, `${value.context}`).toBeDefined();
    expect(Buffer.from(box.open(stored!.bytes, value.context)), value.context).toEqual(value.plain);
  }
}

const lookupKeysOf = (database: VisageDatabase, box: MasterKeySecretBox, masterKey: Buffer, decryptOnlyKeys = 0) =>
  openLookupKeys({
    repo: createLookupKeyRepository(database),
    secretBox: box,
    masterKey,
    decryptOnlyKeys,
    now: () => new Date(at),
  });

for (const dialect of dialectNames) {
  describe(`master-key rotation on ${dialect}`, () => {
    let database: VisageDatabase;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
    });
    afterEach(() => database.destroy());

    it('re-wraps every registered column from key A to key B; afterwards A can be dropped and everything opens', async () => {
      const keyA = randomBytes(32);
      const keyB = randomBytes(32);
      const boxA = createSecretBox(keyA);
      const repo = createSealedValueRepository(database);
      const sealed = await fill(database, boxA);
      const lookupBefore = await lookupKeysOf(database, boxA, keyA);

      // Phase 2: B seals, A only opens. Every value is still under A, and opens.
      const boxB = createSecretBox(keyB, [keyA]);
      expect(boxB.keyIds).toEqual([boxB.keyId, boxA.keyId]);
      const before = await masterKeyStatus(repo, boxB, { pageSize: 2 });
      for (const column of before.columns) {
        // The fixture covers the whole registry: a column added to it must be filled here too.
        expect(Object.keys(column.keys), `${column.table}.${column.column}`).toEqual([boxA.keyId]);
      }
      expect(before.totals).toEqual({ [boxA.keyId]: sealed.length + 2 });
      expect(before.remaining).toBe(sealed.length + 2);
      await expectAllOpen(repo, boxB, sealed);

      // Phase 3: the re-wrap, in pages of 2 (so composite keys are paged through too).
      const progress: string[] = [];
      const result = await rewrapSealedValues(repo, boxB, {
        pageSize: 2,
        onProgress: (column) => progress.push(`${column.table}.${column.column}`),
      });
      expect(result).toMatchObject({ rewrapped: sealed.length + 2, failed: 0, rewrittenMeanwhile: 0 });
      expect(result.status.remaining).toBe(0);
      expect(result.status.totals).toEqual({ [boxB.keyId]: sealed.length + 2 });
      expect(new Set(progress).size).toBe(sealedColumns.length);

      // Phase 4: A is dropped. Everything opens under B alone, and the lookup keys are the same.
      const onlyB = createSecretBox(keyB);
      await expectAllOpen(repo, onlyB, sealed);
      const lookupAfter = await lookupKeysOf(database, onlyB, keyB);
      expect(lookupAfter.pseudonym).toEqual(lookupBefore.pseudonym);
      expect(lookupAfter.identityNumber).toEqual(lookupBefore.identityNumber);
      // …and A alone opens nothing any more: the values really moved.
      const first = sealed[0]!;
      const column = sealedColumns.find((c) => c.table === first.table && c.column === first.column)!;
      const moved = (await repo.read(column, first.key))!.bytes;
      expect(() => boxA.open(moved, first.context)).toThrow(SecretBoxError);

      // A second pass has nothing to do.
      expect((await rewrapSealedValues(repo, boxB)).rewrapped).toBe(0);
    });

    it('never overwrites a value a server rewrote between the read and the write', async () => {
      const keyA = randomBytes(32);
      const keyB = randomBytes(32);
      const boxA = createSecretBox(keyA);
      const boxB = createSecretBox(keyB, [keyA]);
      const sealed = await fill(database, boxA);
      const inner = createSealedValueRepository(database);
      const target = sealed.find((s) => s.table === 'verification_blob')!;
      const targetColumn = sealedColumns.find((c) => c.table === target.table && c.column === target.column)!;
      const newer = Buffer.from('written by a server meanwhile');
      let interfered = 0;
      // A phase-2 server still on A (its rollout not finished) rewrites the row right after the re-wrap read it.
      const repo: SealedValueRepository = {
        ...inner,
        async read(column, key) {
          const value = await inner.read(column, key);
          if (column === targetColumn && key.join('/') === target.key.join('/') && interfered++ === 0) {
            await database.db
              .updateTable('verification_blob')
              .set({ sealed: Buffer.from(boxA.seal(newer, target.context)) })
              .where('verification_id', '=', String(target.key[0]))
              .where('role', '=', String(target.key[1]))
              .execute();
          }
          return value;
        },
      };
      const result = await rewrapSealedValues(repo, boxB, { pageSize: 5 });
      expect(interfered).toBe(2);
      expect(result).toMatchObject({ rewrapped: sealed.length, failed: 0 });
      expect(result.status.remaining).toBe(0);
      const stored = (await inner.read(targetColumn, target.key))!;
      expect(Buffer.from(createSecretBox(keyB).open(stored.bytes, target.context))).toEqual(newer);
    });

    it('fails closed on a value under a key outside the keyring: reported, left as it is, never opened', async () => {
      const keyA = randomBytes(32);
      const keyB = randomBytes(32);
      const stranger = createSecretBox(randomBytes(32));
      const repo = createSealedValueRepository(database);
      const sealed = await fill(database, createSecretBox(keyA));
      const apiKey = sealedColumns.find((c) => c.table === 'api_key')!;
      const original = (await repo.read(apiKey, ['ak_2']))!;
      await repo.replace(apiKey, ['ak_2'], original, stranger.seal(Buffer.from('x'), 'api_key:secret_sealed:ak_2'));

      const boxB = createSecretBox(keyB, [keyA]);
      const strange = (await repo.read(apiKey, ['ak_2']))!.bytes;
      expect(() => boxB.open(strange, 'api_key:secret_sealed:ak_2')).toThrow(
        `the value was sealed under another master key (key id ${stranger.keyId})`,
      );
      const result = await rewrapSealedValues(repo, boxB);
      expect(result.rewrapped).toBe(sealed.length - 1);
      expect(result.failed).toBe(1);
      expect(result.failures).toEqual([
        {
          table: 'api_key',
          column: 'secret_sealed',
          row: 'ak_2',
          reason: `the value was sealed under another master key (key id ${stranger.keyId})`,
        },
      ]);
      expect(result.status.remaining).toBe(1);
      expect(result.status.totals[stranger.keyId]).toBe(1);
    });
  });
}
