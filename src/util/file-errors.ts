/** Why the system refused a file operation, in words: the one table for every writer and check. */
const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than this system allows',
  EIO: 'an input/output error on the disk',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'it is a symbolic link, which this tool does not follow for its own files',
  ENOENT: 'a folder on its path is missing',
};

/** The error's system code, when it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `the disk is full`, or the error's own message for a code without words here. */
export function fileErrorReason(error: unknown): string {
  const code = errorCode(error);
  return (code && REASONS[code]) ?? (error as Error)?.message ?? String(error);
}

/** True when freeing space is what helps. */
export function isSpaceProblem(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}
