// The models the fake server has "pulled", and how Ollama describes one: full names with their
// tag, a stable digest, the details block /api/tags and /api/show share.

export interface FakeModel {
  name: string;
  family?: string;
  parameterSize?: string;
  quantization?: string;
  size?: number;
  capabilities?: string[];
}

export const DEFAULT_MODELS: FakeModel[] = [
  { name: 'llama3.2:latest', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2019393189, capabilities: ['completion', 'tools'] },
  { name: 'qwen3:0.6b', family: 'qwen3', parameterSize: '751.63M', quantization: 'Q4_K_M', size: 522653767, capabilities: ['completion', 'tools', 'thinking'] },
];

export const MODIFIED_AT = '2026-08-01T10:00:00.123456789Z';

/** The server's model list; `models` is the live array the server handle exposes. */
export class ModelCatalog {
  readonly models: FakeModel[];

  constructor(models: (string | FakeModel)[] = DEFAULT_MODELS) {
    this.models = models.map((m) => (typeof m === 'string' ? { name: m } : { ...m }));
  }

  /** The model by name, `llama3.2` and `llama3.2:latest` alike. */
  find(name: string): FakeModel | undefined {
    const full = withTag(name);
    return this.models.find((m) => withTag(m.name) === full);
  }

  /** What a pull leaves behind: the model, known by its full name. */
  add(name: string): void {
    if (!this.find(name)) this.models.push({ name: withTag(name) });
  }
}

/** One entry of /api/tags (its `details` also answer /api/show). */
export function tagEntry(m: FakeModel) {
  const family = m.family ?? 'llama';
  return {
    name: withTag(m.name),
    model: withTag(m.name),
    modified_at: MODIFIED_AT,
    size: m.size ?? 1_000_000_000,
    digest: digestOf(m.name),
    details: {
      parent_model: '',
      format: 'gguf',
      family,
      families: [family],
      parameter_size: m.parameterSize ?? '1B',
      quantization_level: m.quantization ?? 'Q4_K_M',
    },
  };
}

function withTag(name: string): string {
  return /:[^/]+$/.test(name) ? name : `${name}:latest`;
}

function digestOf(name: string): string {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}
