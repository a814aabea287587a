import { Command } from "commander";
import { registerDemoCommand } from "./commands/demo.js";
import { createOutput } from "./output.js";

export function createProgram(): Command {
  const program = new Command("kmcp")
    .description("kmcp: a knowledge base for AI assistants that keeps answering when its database does not")
    .option("--verbose", "show stack traces on errors")
    .showHelpAfterError()
    .exitOverride();
  registerDemoCommand(program, createOutput());
  return program;
}
