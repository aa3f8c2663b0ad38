import { createInterface } from 'node:readline';

import { hashPassword } from '../core/password.js';

const MIN_PASSWORD_LENGTH = 12;

/**
 * Reads a password on standard input (the first line; typed twice, unechoed, on a terminal) and
 * prints its hash for a client's `password:` key. The password itself is never printed.
 */
export async function runPasswdCommand(): Promise<void> {
  process.stdout.write(`${await hashPasswordFromStdin()}\n`);
}

export async function hashPasswordFromStdin(): Promise<string> {
  const password = process.stdin.isTTY ? await promptTwice() : await firstLine();
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return hashPassword(password);
}

async function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function promptTwice(): Promise<string> {
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = lines as unknown as { _writeToOutput: (text: string) => void };
    // readline echoes each keystroke; writing only the prompt keeps the password off the screen.
    output._writeToOutput = (text: string): void => {
      if (text.includes(prompt)) process.stderr.write(prompt);
    };
    lines.question(prompt, (answer) => {
      lines.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
