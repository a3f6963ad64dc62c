import type { StoredBlob, VerificationRecord, VerificationRepository } from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsentRepository } from './consent.repository.js';
import type { VisageDatabase } from './database.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createVerificationRepository } from './verification.repository.js';

const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
const erasedAt = '2026-11-29T12:00:00.000Z';

function verification(overrides: Partial<VerificationRecord> = {}): VerificationRecord {
  return {
    id: 'ver_1',
    orgId: 'org_a',
    appId: 'app_1',
    keyId: 'ak_test_1',
    product: 'verification',
    sandbox: true,
    subjectRef: 'subject-1',
    consentId: 'con_1',
    bizNo: 'order-7',
    requestId: 'req_1',
    resultCode: 'result.match',
    billed: true,
    amountFen: 150,
    createdAt: '2026-11-29T09:00:00.000Z',
    timeUsedMs: 42,
    resultSealed: everyByte,
    resultExpiresAt: '2026-11-30T09:00:00.000Z',
    ...overrides,
  };
}

function blob(verificationId: string, role: string, expiresAt = '2026-11-29T10:00:00.000Z'): StoredBlob {
  return { verificationId, role, sealed: Uint8Array.from([0, 255, role.length, 0]), expiresAt };
}

for (const dialect of dialectNames) {
  describe(`verification repository on ${dialect}`, () => {
    let database: VisageDatabase;
    let verifications: VerificationRepository;
    beforeEach(async () => {
      database = await freshDatabase(dialect);
      verifications = createVerificationRepository(database, { now: () => new Date(erasedAt) });
    });
    afterEach(() => database.destroy());

    const rowOf = (id: string) =>
      database.db.selectFrom('verification').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const blobsOf = (id: string) =>
      database.db
        .selectFrom('verification_blob')
        .selectAll()
        .where('verification_id', '=', id)
        .orderBy('role')
        .execute();

    it('stores a verification and its blobs byte-exact, and finds it only within its organisation', async () => {
      const record = verification({ sandbox: false, billed: false, consentId: null, bizNo: null });
      await verifications.insert(record, [blob('ver_1', 'selfie'), blob('ver_1', 'selfie:template')]);

      const found = await verifications.find('org_a', 'ver_1');
      expect(found).toEqual(record);
      expect(found?.resultSealed).toBeInstanceOf(Uint8Array);
      expect(Array.from(found?.resultSealed ?? [])).toEqual(Array.from(everyByte));
      expect(await verifications.find('org_b', 'ver_1')).toBeUndefined();
      expect(await verifications.find('org_a', 'ver_unknown')).toBeUndefined();

      const stored = await blobsOf('ver_1');
      expect(stored.map((row) => [row.role, Array.from(row.sealed), row.expires_at])).toEqual([
        ['selfie', [0, 255, 6, 0], '2026-11-29T10:00:00.000Z'],
        ['selfie:template', [0, 255, 15, 0], '2026-11-29T10:00:00.000Z'],
      ]);
    });

    it('writes nothing when one of the blobs cannot be stored', async () => {
      await expect(
        verifications.insert(verification(), [blob('ver_1', 'selfie'), blob('ver_1', 'selfie')]),
      ).rejects.toThrow();
      expect(await verifications.find('org_a', 'ver_1')).toBeUndefined();
      expect(await blobsOf('ver_1')).toEqual([]);
    });

    it('lets exactly three of ten concurrent readers claim a result', async () => {
      await verifications.insert(verification(), []);
      const now = '2026-11-29T09:30:00.000Z';
      const claims = await Promise.all(
        Array.from({ length: 10 }, () => verifications.claimRead('org_a', 'ver_1', now, 3)),
      );
      const granted = claims.filter((claim) => claim !== undefined);
      expect(granted).toHaveLength(3);
      expect(Array.from(granted[0]?.resultSealed ?? [])).toEqual(Array.from(everyByte));
      expect((await rowOf('ver_1')).reads).toBe(3);
      expect(await verifications.claimRead('org_a', 'ver_1', now, 3)).toBeUndefined();
    });

    it('refuses a claim from another organisation, after expiry, and once the result is gone', async () => {
      await verifications.insert(verification(), []);
      await verifications.insert(verification({ id: 'ver_2', resultSealed: null, resultExpiresAt: null }), []);
      expect(await verifications.claimRead('org_b', 'ver_1', '2026-11-29T09:30:00.000Z', 3)).toBeUndefined();
      expect(await verifications.claimRead('org_a', 'ver_1', '2026-11-30T09:00:00.000Z', 3)).toBeUndefined();
      expect(await verifications.claimRead('org_a', 'ver_2', '2026-11-29T09:30:00.000Z', 3)).toBeUndefined();
      expect((await rowOf('ver_1')).reads).toBe(0);
      expect(await verifications.claimRead('org_a', 'ver_1', '2026-11-30T08:59:59.999Z', 3)).toBeDefined();
    });

    it('counts a subject’s verifications since a time, within the organisation', async () => {
      await verifications.insert(verification({ id: 'ver_1', createdAt: '2026-11-29T08:00:00.000Z' }), []);
      await verifications.insert(verification({ id: 'ver_2', createdAt: '2026-11-29T09:00:00.000Z' }), []);
      await verifications.insert(verification({ id: 'ver_3', createdAt: '2026-11-29T09:30:00.000Z' }), []);
      await verifications.insert(verification({ id: 'ver_4', orgId: 'org_b' }), []);
      await verifications.insert(verification({ id: 'ver_5', subjectRef: 'subject-2' }), []);
      expect(await verifications.countForSubject('org_a', 'subject-1', '2026-11-29T09:00:00.000Z')).toBe(2);
      expect(await verifications.countForSubject('org_a', 'subject-1', '2026-11-29T00:00:00.000Z')).toBe(3);
      expect(await verifications.countForSubject('org_c', 'subject-1', '2026-11-29T00:00:00.000Z')).toBe(0);
    });

    it('counts one key’s calls with given result codes since a time (the registry refusal cap)', async () => {
      const refused = (id: string, overrides: Partial<VerificationRecord> = {}) =>
        verification({ id, resultCode: 'registry.not_found', resultSealed: null, resultExpiresAt: null, ...overrides });
      await verifications.insert(refused('ver_1', { createdAt: '2026-11-28T23:59:59.999Z' }), []);
      await verifications.insert(refused('ver_2', { createdAt: '2026-11-29T00:00:00.000Z' }), []);
      await verifications.insert(refused('ver_3', { resultCode: 'registry.name_mismatch' }), []);
      await verifications.insert(refused('ver_4', { resultCode: 'result.pass' }), []);
      await verifications.insert(refused('ver_5', { keyId: 'ak_test_2' }), []);
      const codes = ['registry.not_found', 'registry.name_mismatch'];
      const since = { since: '2026-11-29T00:00:00.000Z' };
      expect(await verifications.countKeyResults('org_a', 'ak_test_1', codes, since)).toBe(2);
      expect(await verifications.countKeyResults('org_a', 'ak_test_2', codes, since)).toBe(1);
      expect(await verifications.countKeyResults('org_b', 'ak_test_1', codes, since)).toBe(0);
      expect(await verifications.countKeyResults('org_a', 'ak_test_1', ['result.pass'], since)).toBe(1);
      expect(await verifications.countKeyResults('org_a', 'ak_test_1', [], since)).toBe(0);
    });

    it('erases one verification’s result, blobs and subject link, keeping its metadata', async () => {
      await verifications.insert(verification(), [blob('ver_1', 'selfie'), blob('ver_1', 'reference')]);
      await verifications.insert(verification({ id: 'ver_2' }), [blob('ver_2', 'selfie')]);

      expect(await verifications.erase('org_b', 'ver_1')).toBeUndefined();
      expect(await verifications.erase('org_a', 'ver_unknown')).toBeUndefined();
      expect(await verifications.erase('org_a', 'ver_1')).toEqual({ result: true, blobs: 2 });

      expect(await rowOf('ver_1')).toMatchObject({
        result_sealed: null,
        result_expires_at: null,
        subject_ref: null,
        consent_id: 'con_1',
        erased_at: erasedAt,
        result_code: 'result.match',
      });
      expect(await blobsOf('ver_1')).toEqual([]);
      expect(await verifications.claimRead('org_a', 'ver_1', '2026-11-29T09:30:00.000Z', 3)).toBeUndefined();
      expect(await verifications.erase('org_a', 'ver_1')).toEqual({ result: false, blobs: 0 });

      expect((await rowOf('ver_2')).result_sealed).not.toBeNull();
      expect(await blobsOf('ver_2')).toHaveLength(1);
    });

    it('erases every verification and consent of a subject, and nothing of anyone else', async () => {
      const consents = createConsentRepository(database);
      const consent = (id: string, orgId: string, subjectRef: string) =>
        consents.insert({
          id,
          orgId,
          appId: 'app_1',
          subjectRef,
          textVersion: 'v1',
          obtainedAt: '2026-11-29T08:59:00.000Z',
          method: 'checkbox',
          createdAt: '2026-11-29T09:00:00.000Z',
        });
      await consent('con_1', 'org_a', 'subject-1');
      await consent('con_2', 'org_a', 'subject-1');
      await consent('con_3', 'org_a', 'subject-2');
      await consent('con_4', 'org_b', 'subject-1');
      await verifications.insert(verification({ id: 'ver_1' }), [blob('ver_1', 'selfie'), blob('ver_1', 'reference')]);
      await verifications.insert(verification({ id: 'ver_2', resultSealed: null, resultExpiresAt: null }), [
        blob('ver_2', 'image'),
      ]);
      await verifications.insert(verification({ id: 'ver_3', subjectRef: 'subject-2' }), [blob('ver_3', 'selfie')]);
      await verifications.insert(verification({ id: 'ver_4', orgId: 'org_b' }), [blob('ver_4', 'selfie')]);

      expect(await verifications.eraseSubject('org_a', 'subject-1')).toEqual({
        verifications: 2,
        results: 1,
        blobs: 3,
        consents: 2,
        capture_sessions_cancelled: 0,
        capture_sessions_erased: 0,
      });

      const rows = await database.db.selectFrom('verification').selectAll().orderBy('id').execute();
      expect(rows.map((row) => [row.id, row.subject_ref, row.result_sealed === null, row.erased_at])).toEqual([
        ['ver_1', null, true, erasedAt],
        ['ver_2', null, true, erasedAt],
        ['ver_3', 'subject-2', false, null],
        ['ver_4', 'subject-1', false, null],
      ]);
      const blobRows = await database.db.selectFrom('verification_blob').select('verification_id').execute();
      expect(blobRows.map((row) => row.verification_id).sort()).toEqual(['ver_3', 'ver_4']);
      const consentRows = await database.db.selectFrom('consent').select('id').execute();
      expect(consentRows.map((row) => row.id).sort()).toEqual(['con_3', 'con_4']);
      expect(await verifications.countForSubject('org_a', 'subject-1', '2026-01-01T00:00:00.000Z')).toBe(0);

      expect(await verifications.eraseSubject('org_a', 'subject-1')).toEqual({
        verifications: 0,
        results: 0,
        blobs: 0,
        consents: 0,
        capture_sessions_cancelled: 0,
        capture_sessions_erased: 0,
      });
    });

    it('sweeps results and blobs whose time has come, once', async () => {
      await verifications.insert(verification({ id: 'ver_1', resultExpiresAt: '2026-11-29T10:00:00.000Z' }), [
        blob('ver_1', 'selfie', '2026-11-29T09:30:00.000Z'),
        blob('ver_1', 'reference', '2026-11-29T11:00:00.000Z'),
      ]);
      await verifications.insert(verification({ id: 'ver_2', resultExpiresAt: '2026-11-29T12:00:00.000Z' }), []);

      expect(await verifications.sweepExpired('2026-11-29T10:00:00.000Z')).toEqual({ results: 1, blobs: 1 });
      expect(await verifications.sweepExpired('2026-11-29T10:00:00.000Z')).toEqual({ results: 0, blobs: 0 });
      expect(await rowOf('ver_1')).toMatchObject({ result_sealed: null, result_expires_at: null });
      expect((await rowOf('ver_2')).result_sealed).not.toBeNull();
      expect((await blobsOf('ver_1')).map((row) => row.role)).toEqual(['reference']);

      expect(await verifications.sweepExpired('2026-11-29T12:00:00.000Z')).toEqual({ results: 1, blobs: 1 });
      expect(await database.db.selectFrom('verification_blob').selectAll().execute()).toEqual([]);
    });

    it('counts usage per day, product and result code, within the organisation, range and app', async () => {
      const call = (id: string, createdAt: string, overrides: Partial<VerificationRecord> = {}) =>
        verifications.insert(verification({ id, createdAt, sandbox: false, ...overrides }), []);
      await call('ver_1', '2026-11-28T23:59:59.999Z', { product: 'compare', amountFen: 50 });
      await call('ver_2', '2026-11-29T00:00:00.000Z', { product: 'compare', amountFen: 50 });
      await call('ver_3', '2026-11-29T10:00:00.000Z', { product: 'compare', amountFen: 50 });
      await call('ver_4', '2026-11-29T11:00:00.000Z', {
        product: 'compare',
        resultCode: 'image.no_face',
        billed: false,
        amountFen: 0,
      });
      await call('ver_5', '2026-11-29T12:00:00.000Z', {
        product: 'liveness',
        resultCode: 'result.live',
        amountFen: 30,
      });
      await call('ver_6', '2026-11-30T08:00:00.000Z', {
        product: 'compare',
        sandbox: true,
        billed: false,
        amountFen: 0,
        appId: 'app_2',
      });
      await call('ver_7', '2026-12-01T00:00:00.000Z', { product: 'compare' });
      await call('ver_8', '2026-11-29T10:00:00.000Z', { product: 'compare', orgId: 'org_b' });

      const counts = await verifications.usage('org_a', {
        from: '2026-11-29T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
      });
      const row = { billedCalls: 0, sandboxCalls: 0, amountFen: 0 };
      expect(counts).toEqual([
        { ...row, day: '2026-11-29', product: 'compare', resultCode: 'image.no_face', calls: 1 },
        {
          day: '2026-11-29',
          product: 'compare',
          resultCode: 'result.match',
          calls: 2,
          billedCalls: 2,
          sandboxCalls: 0,
          amountFen: 100,
        },
        {
          day: '2026-11-29',
          product: 'liveness',
          resultCode: 'result.live',
          calls: 1,
          billedCalls: 1,
          sandboxCalls: 0,
          amountFen: 30,
        },
        { ...row, day: '2026-11-30', product: 'compare', resultCode: 'result.match', calls: 1, sandboxCalls: 1 },
      ]);
      const ofApp2 = await verifications.usage('org_a', {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-31T00:00:00.000Z',
        appId: 'app_2',
      });
      expect(ofApp2.map((count) => [count.day, count.calls])).toEqual([['2026-11-30', 1]]);
      expect(
        await verifications.usage('org_c', { from: '2026-11-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }),
      ).toEqual([]);
    });

    it('lists calls newest first in keyset pages, metadata only, filtered', async () => {
      // ver_2..ver_4 share one instant: the id breaks the tie, so no page repeats or skips a call.
      const times = ['09:00', '10:00', '10:00', '10:00', '11:00', '12:00'];
      for (const [i, time] of times.entries()) {
        await verifications.insert(
          verification({
            id: `ver_${i + 1}`,
            createdAt: `2026-11-29T${time}:00.000Z`,
            bizNo: i % 2 === 0 ? 'even' : 'odd',
            resultCode: i === 4 ? 'image.no_face' : 'result.match',
            appId: i === 5 ? 'app_2' : 'app_1',
          }),
          [],
        );
      }
      await verifications.insert(verification({ id: 'ver_9', orgId: 'org_b' }), []);

      const seen: string[] = [];
      let after: { createdAt: string; id: string } | undefined;
      for (;;) {
        const page = await verifications.listCalls('org_a', { limit: 2, ...(after ? { after } : {}) });
        seen.push(...page.map((call) => call.id));
        if (page.length < 2) break;
        const last = page.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(['ver_6', 'ver_5', 'ver_4', 'ver_3', 'ver_2', 'ver_1']);

      const [first] = await verifications.listCalls('org_a', { limit: 1 });
      expect(first).toEqual({
        id: 'ver_6',
        appId: 'app_2',
        keyId: 'ak_test_1',
        product: 'verification',
        sandbox: true,
        bizNo: 'odd',
        requestId: 'req_1',
        resultCode: 'result.match',
        billed: true,
        amountFen: 150,
        createdAt: '2026-11-29T12:00:00.000Z',
        timeUsedMs: 42,
      });

      const ids = async (filter: Omit<Parameters<VerificationRepository['listCalls']>[1], 'limit'>) =>
        (await verifications.listCalls('org_a', { limit: 10, ...filter })).map((call) => call.id);
      expect(await ids({ appId: 'app_2' })).toEqual(['ver_6']);
      expect(await ids({ resultCode: 'image.no_face' })).toEqual(['ver_5']);
      expect(await ids({ bizNo: 'even' })).toEqual(['ver_5', 'ver_3', 'ver_1']);
      expect(await ids({ from: '2026-11-29T10:00:00.000Z', to: '2026-11-29T11:00:00.000Z' })).toEqual([
        'ver_4',
        'ver_3',
        'ver_2',
      ]);
      expect(await verifications.listCalls('org_c', { limit: 10 })).toEqual([]);
    });
  });
}
