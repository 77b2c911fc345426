/**
 * A progress bar for long runs (cli-progress), showing the iteration and
 * the current cost. Short runs print one line per iteration instead, as
 * the tutorial's plot titles do.
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(iteration: number, cost: number, accuracy: number): void;
  stop(): void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar(
    {
      format: 'training |{bar}| {value}/{total} iterations | cost {cost} | accuracy {accuracy} | {duration_formatted}',
      hideCursor: true,
      stream,
      // Redraw at most 10 times a second: 2000 iterations do not flood the terminal.
      fps: 10,
      // Without a TTY (CI logs, pipes) still report, a line at a time.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { cost: '-', accuracy: '-' });
  return {
    update(iteration, cost, accuracy) {
      bar.update(iteration, { cost: cost.toFixed(3), accuracy: accuracy.toFixed(3) });
    },
    stop() {
      bar.stop();
    },
  };
}
