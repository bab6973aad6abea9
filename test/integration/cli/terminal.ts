// The berth CLI inside a real terminal (script(1) gives it one), for -t and -it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { ROOT, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';

/** The CLI inside a terminal of `rows` × `cols` (script's); what it prints arrives in `output`. */
export class CliInTerminal {
  output = '';
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(agent: TestAgent, args: string[], rows: number, cols: number) {
    const cli = [process.execPath, '--import', 'tsx', 'agent/main.ts', '--host', agent.socket, ...args].map((a) => `'${a}'`).join(' ');
    this.proc = spawn('script', ['-qefc', `stty rows ${rows} cols ${cols}; echo "cli-pid=$$"; exec ${cli}`, '/dev/null'], { cwd: ROOT });
    this.proc.stdout!.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  type(keys: string): void { this.proc.stdin!.write(keys); }

  async until(text: string | RegExp): Promise<void> {
    const found = () => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
    await waitFor(`${text} in the terminal`, found, { timeoutMs: 20_000 }).catch((err: Error) => {
      throw new Error(`${err.message}; it shows ${JSON.stringify(this.output)}`);
    });
  }

  /** The terminal the CLI runs in, as the host names it. */
  async terminalPath(): Promise<string> {
    await this.until(/cli-pid=\d+/);
    return readlinkSync(`/proc/${/cli-pid=(\d+)/.exec(this.output)![1]}/fd/0`);
  }

  /**
   * Resizes this terminal from outside (`stty -F`, as a window manager would) and types
   * `stty size` into the shell inside until the new size shows: it goes through the CLI and the agent.
   */
  async resizeUntilSeenInside(rows: number, cols: number): Promise<void> {
    const path = await this.terminalPath();
    const code = await new Promise((resolve) => spawn('stty', ['-F', path, 'rows', String(rows), 'cols', String(cols)]).once('exit', resolve));
    if (code !== 0) throw new Error(`stty -F ${path}: exit ${code}`);
    await waitFor(`${rows} ${cols} inside`, () => {
      this.type('stty size\n');
      return this.output.includes(`${rows} ${cols}`);
    }, { timeoutMs: 20_000 });
  }
}

