/** Human output goes to stdout; colour only on a TTY and never with NO_COLOR. */
export function createOutput(stream: NodeJS.WriteStream = process.stdout) {
  const colour = Boolean(stream.isTTY) && !("NO_COLOR" in process.env);
  const paint = (code: number) => (text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    line: (text = "") => void stream.write(`${text}\n`),
    bold: paint(1),
    dim: paint(2),
    green: paint(32),
    yellow: paint(33),
    red: paint(31),
  };
}

export type Output = ReturnType<typeof createOutput>;
