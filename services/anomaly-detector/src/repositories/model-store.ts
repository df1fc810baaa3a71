import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BUSINESS_SERVICES, type BusinessService, type FeatureVector } from '@archaics/contracts';
import { ServiceModel, type ServiceModelJSON } from '../domain/detector-model.ts';

/** A trained detector: one model per business service and the baseline it was learnt from. */
export interface TrainedModel {
  readonly trainedAt: string;
  readonly seed: number;
  readonly baseline: ReadonlyMap<BusinessService, readonly FeatureVector[]>;
  readonly models: ReadonlyMap<BusinessService, ServiceModel>;
}

interface ModelFile {
  readonly model: 'isolation-forest';
  readonly version: 1;
  readonly trained_at: string;
  readonly seed: number;
  readonly baseline: Record<string, FeatureVector[]>;
  readonly services: ServiceModelJSON[];
}

/** Keeps the trained model as one JSON file in the state folder (`models/anomaly-detector.json`). */
export class ModelStore {
  constructor(readonly path: string) {}

  /** The saved model, or null when there is none; a damaged file is reported and ignored (the detector learns again). */
  load(onDamaged: (why: string) => void): TrainedModel | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const file = JSON.parse(text) as Partial<ModelFile>;
      if (file.model !== 'isolation-forest' || file.version !== 1 || !Array.isArray(file.services)) throw new TypeError('unknown format');
      const models = new Map<BusinessService, ServiceModel>();
      for (const json of file.services) {
        const model = ServiceModel.fromJSON(json);
        models.set(model.service, model);
      }
      const missing = BUSINESS_SERVICES.filter((service) => !models.has(service));
      if (missing.length > 0) throw new TypeError(`no model for ${missing.join(', ')}`);
      const baseline = new Map<BusinessService, FeatureVector[]>();
      for (const service of BUSINESS_SERVICES) baseline.set(service, file.baseline?.[service] ?? []);
      return { trainedAt: String(file.trained_at), seed: Number(file.seed), baseline, models };
    } catch (error) {
      onDamaged((error as Error).message);
      return null;
    }
  }

  /** Writes the model atomically (a temporary file renamed over the old one). */
  save(model: TrainedModel): void {
    const file: ModelFile = {
      model: 'isolation-forest',
      version: 1,
      trained_at: model.trainedAt,
      seed: model.seed,
      baseline: Object.fromEntries([...model.baseline].map(([service, vectors]) => [service, [...vectors]])),
      services: [...model.models.values()].map((m) => m.toJSON()),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file));
    renameSync(temporary, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}
