// Where the virtual board keeps its filesystem when the user names no directory.
import os from "node:os";
import path from "node:path";

export function defaultBoardDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === "win32" && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, "tspy", "virtual-board");
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), ".local", "share");
  return path.join(dataHome, "tspy", "virtual-board");
}
