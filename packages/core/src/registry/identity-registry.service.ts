import { DomainError } from '../domain-error.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import { maskResidentId, normalizeResidentId, residentIdProblem } from '../certification/resident-id.js';
import type { AuditRecorder } from '../verification/verification.service.js';
import type { FaceEnginePort, FaceTemplateRef } from '../verification/verification.ports.js';
import { identityNameProblem, maskIdentityName, normalizeIdentityName } from './identity-name.js';
import type {
  IdentityMatch,
  IdentityQuery,
  IdentityRecordRepository,
  IdentitySource,
  IdentitySummary,
  StoredIdentity,
} from './identity.ports.js';

/** One row of an import: from a CSV line (`line`, 1 = header) or an admin API record (index + 2). */
export interface IdentityImportRow {
  readonly line: number;
  readonly name: string;
  readonly idNumber: string;
  /** The photo's bytes, or the reason it could not be read (a missing file), reported as the row's problem. */
  readonly photo: Uint8Array | { readonly problem: string };
}

/** What is wrong with one row; `field` is name, id_number, photo, or csv for the file's structure. */
export interface IdentityRowProblem {
  readonly line: number;
  readonly field: 'csv' | 'name' | 'id_number' | 'photo';
  readonly problem: string;
}

export interface IdentityImportResult {
  readonly imported: number;
  readonly created: number;
  readonly updated: number;
  /** The record id of each row, in order. */
  readonly ids: readonly string[];
}

/** At most this many photos are analysed at once (the engine's queue is shared with live traffic). */
const analyzeConcurrency = 4;

/**
 * The operator's identity registry: imports (all or nothing, audited), lists with masked fields, deletes, and
 * answers lookups as the built-in `IdentitySource`. Personal fields are sealed with the SecretBox (as certification
 * documents are); the number is found by a keyed hash, so the database alone cannot be searched for a number.
 */
export function createIdentityRegistry(ports: {
  repo: IdentityRecordRepository;
  engine: Pick<FaceEnginePort, 'analyze' | 'modelId'>;
  secretBox: SecretBox;
  /** Keyed one-way hash of a normalised ID number (the server derives its key from the master key). */
  hashIdNumber: (normalizedNumber: string) => string;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: AuditRecorder;
}) {
  const { repo, engine, secretBox, hashIdNumber, clock, crypto, audit } = ports;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const context = (id: string, field: string) => `identity:${id}:${field}`;

  // Opened when a number is unknown, so that an unknown number costs one decryption as a known one does: the
  // answer's timing does not tell "no such number" from "wrong name". The size of a typical sealed name.
  const dummyContext = 'identity:none:name';
  const dummyName = secretBox.seal(encoder.encode('佚名某某'), dummyContext);

  const source: IdentitySource = {
    kind: 'registry',
    async lookup(query: IdentityQuery): Promise<IdentityMatch> {
      // Sandbox keys see only sandbox records, live keys only live ones.
      const hash = hashIdNumber(normalizeResidentId(query.idNumber));
      const stored = await repo.findNameByNumberHash(hash, query.sandbox);
      const name = decoder.decode(
        stored
          ? secretBox.open(stored.nameSealed, context(stored.id, 'name'))
          : secretBox.open(dummyName, dummyContext),
      );
      const nameMatches = normalizeIdentityName(name) === normalizeIdentityName(query.name);
      if (!stored) return { status: 'not_found' };
      if (!nameMatches) return { status: 'name_mismatch' };
      // The reference face is read only now that the name matched.
      const reference = await repo.findReference(stored.id);
      if (!reference) return { status: 'not_found' };
      const template = JSON.parse(
        decoder.decode(secretBox.open(reference.templateSealed, context(stored.id, 'template'))),
      ) as FaceTemplateRef;
      const photo = reference.photoSealed
        ? secretBox.open(reference.photoSealed, context(stored.id, 'photo'))
        : undefined;
      return { status: 'found', template, photo };
    },
  };

  return {
    source,

    /**
     * Validates every row (name, GB 11643 number, duplicates in the batch, one face in the photo) and writes all of
     * them in one transaction, or none: a problem anywhere throws registry.invalid_import listing every bad row.
     * A number already registered is replaced (same record id). `largestFace`: photos with several faces use the
     * largest instead of being refused. `sandbox`: the rows become sandbox records, which only sandbox keys see
     * (and live keys never do); a number may be registered once in each mode.
     */
    async importRows(
      rows: readonly IdentityImportRow[],
      options: { source: string; actor: string; keepPhotos: boolean; largestFace?: boolean; sandbox?: boolean },
    ): Promise<IdentityImportResult> {
      const today = clock.now();
      const problems: IdentityRowProblem[] = [];
      const firstLineOf = new Map<string, number>();
      const numbers = rows.map((row) => {
        const nameProblem = identityNameProblem(row.name);
        if (nameProblem) problems.push({ line: row.line, field: 'name', problem: nameProblem });
        const number = normalizeResidentId(row.idNumber);
        const numberProblem = residentIdProblem(number, today);
        if (numberProblem) problems.push({ line: row.line, field: 'id_number', problem: numberProblem });
        else if (firstLineOf.has(number)) {
          problems.push({
            line: row.line,
            field: 'id_number',
            problem: `duplicate of line ${firstLineOf.get(number)}`,
          });
        } else firstLineOf.set(number, row.line);
        if (!(row.photo instanceof Uint8Array)) {
          problems.push({ line: row.line, field: 'photo', problem: row.photo.problem });
        }
        return number;
      });
      if (rows.length === 0) problems.push({ line: 1, field: 'name', problem: 'no rows' });

      const templates: (FaceTemplateRef | undefined)[] = new Array(rows.length);
      await inBatches(rows, analyzeConcurrency, async (row, index) => {
        if (!(row.photo instanceof Uint8Array)) return;
        try {
          const face = await engine.analyze(row.photo, { allowMultipleFaces: options.largestFace === true });
          templates[index] = face.template;
        } catch (error) {
          const code = codeOf(error);
          // A bad photo is the row's problem; the engine being busy or broken is not, and fails the import.
          if (code === undefined || !/^(image|face)\./.test(code)) throw error;
          problems.push({ line: row.line, field: 'photo', problem: code });
        }
      });
      if (problems.length > 0) {
        problems.sort((a, b) => a.line - b.line);
        throw new DomainError('registry.invalid_import', { rows: problems });
      }

      const hashes = numbers.map((number) => hashIdNumber(number));
      const sandbox = options.sandbox === true;
      const existing = await repo.idsByNumberHash(hashes, sandbox);
      const now = clock.now().toISOString();
      const records: StoredIdentity[] = rows.map((row, index) => {
        const id = existing.get(hashes[index]!) ?? crypto.randomId('idr');
        const template = templates[index]!;
        return {
          id,
          sandbox,
          numberHash: hashes[index]!,
          numberSealed: secretBox.seal(encoder.encode(numbers[index]!), context(id, 'number')),
          numberMasked: maskResidentId(numbers[index]!),
          nameSealed: secretBox.seal(encoder.encode(row.name.trim()), context(id, 'name')),
          nameMasked: maskIdentityName(row.name),
          templateModel: template.model,
          templateSealed: secretBox.seal(encoder.encode(JSON.stringify(template)), context(id, 'template')),
          photoSealed:
            options.keepPhotos && row.photo instanceof Uint8Array
              ? secretBox.seal(row.photo, context(id, 'photo'))
              : null,
          source: options.source,
          createdAt: now,
          updatedAt: now,
        };
      });
      await repo.upsertMany(records);
      const updated = records.filter((record) => existing.has(record.numberHash)).length;
      const result = {
        imported: records.length,
        created: records.length - updated,
        updated,
        ids: records.map((r) => r.id),
      };
      // Counts and ids only: names and numbers never reach the audit log.
      await audit.record({
        actor: options.actor,
        action: 'registry.import',
        data: {
          source: options.source,
          sandbox,
          imported: result.imported,
          created: result.created,
          updated: result.updated,
          keep_photos: options.keepPhotos,
          model: engine.modelId,
        },
      });
      return result;
    },

    async list(options: { after?: string | undefined; limit: number }): Promise<{
      records: IdentitySummary[];
      total: number;
      nextAfter: string | null;
    }> {
      const records = await repo.list({ after: options.after, limit: options.limit + 1 });
      const page = records.slice(0, options.limit);
      return {
        records: page,
        total: await repo.count(),
        nextAfter: records.length > options.limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    /** Erases a record (template, photo, name and number); audited. */
    async remove(id: string, actor: string): Promise<void> {
      if (!(await repo.remove(id))) throw new DomainError('registry.record_not_found');
      await audit.record({ actor, action: 'registry.delete', subject: id });
    },
  };
}

export type IdentityRegistry = ReturnType<typeof createIdentityRegistry>;

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}
