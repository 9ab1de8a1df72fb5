// The few parts of Emscripten's in-memory filesystem (the VM's `mp.FS`) that the virtual board uses.
// Typed here because the npm package ships no type declarations.

export interface EmNode {
  mode: number;
  name: string;
  contents?: Uint8Array | null;
  usedBytes?: number;
}

export interface EmStream {
  node: EmNode;
  path: string;
  flags: number;
  stream_ops: EmStreamOps;
  position: number;
  /** Set by the virtual board: the host file descriptor mirroring this stream's writes. */
  tspyHostFd?: number;
}

export interface EmStreamOps {
  read?: (stream: EmStream, buffer: Uint8Array, offset: number, length: number, position?: number) => number;
  poll?: (stream: EmStream, timeout: number) => number;
  [op: string]: unknown;
}

export interface EmStat {
  mode: number;
  size: number;
}

export interface EmFS {
  lookupPath(path: string, opts?: { follow?: boolean; parent?: boolean }): { path: string; node: EmNode | null };
  getPath(node: EmNode): string;
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  isLink(mode: number): boolean;
  readdir(path: string): string[];
  lstat(path: string): EmStat;
  stat(path: string): EmStat;
  mkdir(path: string, mode?: number): EmNode;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(oldPath: string, newPath: string): void;
  open(path: string, flags: number | string, mode?: number): EmStream;
  close(stream: EmStream): void;
  write(stream: EmStream, buffer: Int8Array | Uint8Array, offset: number, length: number, position?: number, canOwn?: boolean): number;
  truncate(path: string, len: number): void;
  ftruncate(fd: number, len: number): void;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  hashRemoveNode(node: EmNode): void;
  utime(path: string, atime: number, mtime: number): void;
  getStream(fd: number): EmStream | null;
  getMounts(mount: unknown): { mountpoint: string }[];
  root: { mount: unknown };
}
