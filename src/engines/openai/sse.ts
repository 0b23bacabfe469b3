// Server-Sent Events as OpenAI-compatible servers stream them: `data:` lines, an event ending at a
// blank line, `:` comments (keep-alives) and other fields ignored, lines ended by LF, CRLF or CR.
// A read may end mid-line (even between the CR and LF of one line ending) or hold several events;
// the caller sets the socket to utf8, so a character split across reads arrives whole.
// Hand-written rather than eventsource-parser 3: the same rules, no dependency, and measured at
// the same speed (README, "OpenAI-compatible servers"): lines are found with indexOf, and a data
// line is cut out of the read once.

export class SseReader {
  private buffer = '';
  /** The data lines of the event being read, joined by LF; undefined before its first. */
  private data: string | undefined;

  /** The data of every event completed by this piece of the stream, in order. */
  push(piece: string): string[] {
    const events: string[] = [];
    const text = this.buffer === '' ? piece : this.buffer + piece;
    const hasCr = text.includes('\r');
    let start = 0;
    for (;;) {
      let end = text.indexOf('\n', start);
      if (hasCr) {
        const cr = text.indexOf('\r', start);
        if (cr !== -1 && (end === -1 || cr < end)) end = cr;
      }
      if (end === -1) break;
      let next = end + 1;
      if (text.charCodeAt(end) === 13) {
        // A CR at the very end may be the first half of a CRLF: wait for the next read.
        if (next >= text.length) break;
        if (text.charCodeAt(next) === 10) next++;
      }
      this.line(text, start, end, events);
      start = next;
    }
    this.buffer = start === 0 ? text : text.slice(start);
    return events;
  }

  /** At the end of the stream: an event not closed by a blank line still counts (servers omit the last one). */
  end(): string[] {
    const events: string[] = [];
    const rest = this.buffer.replace(/\r$/, '');
    if (rest !== '') this.line(rest, 0, rest.length, events);
    this.buffer = '';
    this.line('', 0, 0, events);
    return events;
  }

  /** One line, text[start, end). */
  private line(text: string, start: number, end: number, events: string[]): void {
    if (start === end) {
      if (this.data !== undefined) events.push(this.data);
      this.data = undefined;
      return;
    }
    if (!text.startsWith('data', start)) return; // `:` comments, event:, id:, retry: and unknown fields
    let from = start + 4;
    if (from < end && text.charCodeAt(from) !== 58) return; // "database: x" is another field
    if (from < end) from += text.charCodeAt(from + 1) === 32 ? 2 : 1;
    const value = from >= end ? '' : text.slice(from, end);
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}
