// The one module that imports @inquirer/prompts. Everything else asks through the Ask interface,
// so the review loop is tested with a scripted queue of answers and no terminal.
import { confirm, expand, input } from '@inquirer/prompts';

export interface Choice<T extends string> {
  /** One lowercase letter or digit (`h` is Inquirer's help key). */
  key: string;
  name: string;
  value: T;
}

export interface Ask {
  /** Single letter, then Enter. */
  choose<T extends string>(message: string, choices: readonly Choice<T>[], defaultKey?: string): Promise<T>;
  /** Free text (may be empty). */
  text(message: string): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

export interface AskStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

export function createAsk(streams: AskStreams): Ask {
  const ctx = { input: streams.input, output: streams.output };
  return {
    choose: (message, choices, defaultKey) =>
      // Inquirer types keys as a union of letters; ours are checked by the caller's choice table.
      expand({ message, choices: choices.map((c) => ({ key: c.key as 'a', name: c.name, value: c.value })), default: defaultKey as 'a' | undefined }, ctx),
    text: (message) => input({ message }, ctx),
    confirm: (message, defaultValue) => confirm({ message, default: defaultValue }, ctx),
  };
}

/** Ctrl-C at a prompt, or a prompt cancelled/aborted: Inquirer's errors, matched by name. */
export function isPromptCancel(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}
