/** How the bare servers find kmcp's answer for a call: the tool and its arguments, keys sorted. */
export const answerKey = (tool, args) =>
  `${tool} ${JSON.stringify(Object.keys(args ?? {}).sort().map((key) => [key, args[key]]))}`;
