import { readFileSync } from 'node:fs';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

export function readme(): string {
  return README;
}

/** The fenced code blocks of one README section (a `## ` heading), in order. */
export function blocksOf(heading: string, language: string): string[] {
  const section = README.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (section === undefined) throw new Error(`README has no section "${heading}"`);
  return [...section.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map(
    (match) => match[1] ?? '',
  );
}
