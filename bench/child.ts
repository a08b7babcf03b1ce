/**
 * Runs a benchmark column in a child process (PyTorch's bench/torch.py, the tapegrad-fma column): the
 * child's progress on stderr passes through, and its result is the last line of its stdout, as JSON.
 */
import { spawn } from 'node:child_process';

export type ChildResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `label` names the child in the reasons given when it fails or prints no JSON. */
export async function runJsonChild<T>(label: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildResult<T>> {
  const out = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
  if (out.code !== 0) return { ok: false, reason: `${label} exited with code ${out.code}` };
  const lastLine = out.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ok: true, value: JSON.parse(lastLine) as T };
  } catch {
    return { ok: false, reason: `${label} printed no JSON (last line: ${lastLine.slice(0, 200)})` };
  }
}
