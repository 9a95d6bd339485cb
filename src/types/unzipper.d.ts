// The little of unzipper 0.10 (exceljs's own zip reader) that this project uses.
declare module 'unzipper' {
  interface ZipFile {
    path: string;
    buffer(): Promise<Buffer>;
  }
  interface Directory {
    files: ZipFile[];
  }
  const unzipper: { Open: { file(path: string): Promise<Directory> } };
  export default unzipper;
}
