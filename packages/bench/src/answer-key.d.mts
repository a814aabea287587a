export declare const answerKey: (tool: string, args: Record<string, unknown> | undefined) => string;
