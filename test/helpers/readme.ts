import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { deliverRecall } from '../../lib/testing/deliver.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

export function readme(): string {
  return README;
}

/** A guide under docs/, by file name. */
export function guide(name: string): string {
  return readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
}

/** The fenced code blocks of one section (a `## ` heading) of the README or of `text`, in order. */
export function blocksOf(heading: string, language: string, text = README): string[] {
  const section = text.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (section === undefined) throw new Error(`no section "${heading}"`);
  return [...section.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map(
    (match) => match[1] ?? '',
  );
}

// Inside the package, so that `import ... from 'tencent-chat-recall-webhook'` resolves to the
// built package through its own `exports`, as it does for a user.
const EXAMPLES = new URL('../.tmp/', import.meta.url);

/** Writes an example's code to a file of its own under test/.tmp/, to run or import as it is. */
export function writeExample(name: string, code: string): URL {
  mkdirSync(EXAMPLES, { recursive: true });
  const file = new URL(name, EXAMPLES);
  writeFileSync(file, code);
  return file;
}

/**
 * Imports an example that makes a receiver named `recall` from `process.env.IM_CALLBACK_TOKEN`, with that
 * variable set to `token` while it loads.
 */
export async function importRecall<R>(name: string, code: string, token: string): Promise<R> {
  const file = writeExample(name, `${code}\nexport { recall };\n`);
  process.env.IM_CALLBACK_TOKEN = token;
  try {
    return ((await import(file.href)) as { recall: R }).recall;
  } finally {
    delete process.env.IM_CALLBACK_TOKEN;
  }
}

/** Resolves once `url` answers a recall callback (a probe of its own, signed with `token`). */
export async function untilListening(url: string, token: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const probe = { sdkAppId: 1400000000, token, body: { MsgKey: `probe-${randomUUID()}` } };
    if ((await deliverRecall(url, probe).catch(() => undefined)) !== undefined) return;
    await sleep(100);
  }
  throw new Error(`${url} never answered`);
}
