// Server-Sent Events as OpenAI-compatible servers stream them: `data:` lines, an event ending at a
// blank line, `:` comments (keep-alives) and other fields ignored, lines ended by LF, CRLF or CR.
// A read may end mid-line (even between the CR and LF of one line ending) or hold several events;
// the caller sets the socket to utf8, so a character split across reads arrives whole.
// Hand-written rather than eventsource-parser: the same rules in ~40 lines, no dependency, and
// nothing allocated per event but the data string (the hot path runs at thousands of events a second).

export class SseReader {
  private buffer = '';
  private data: string[] = [];

  /** The data of every event completed by this piece of the stream, in order. */
  push(piece: string): string[] {
    const events: string[] = [];
    let text = this.buffer + piece;
    let start = 0;
    for (;;) {
      let end = start;
      while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
      if (end >= text.length) break;
      // A CR at the very end may be the first half of a CRLF: wait for the next read.
      if (text.charCodeAt(end) === 13 && end + 1 >= text.length) break;
      this.line(text.slice(start, end), events);
      start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    }
    this.buffer = text.slice(start);
    text = '';
    return events;
  }

  /** At the end of the stream: an event not closed by a blank line still counts (servers omit the last one). */
  end(): string[] {
    const events: string[] = [];
    if (this.buffer !== '') this.line(this.buffer.replace(/\r$/, ''), events);
    this.buffer = '';
    this.line('', events);
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push(this.data.join('\n'));
      this.data = [];
    } else if (line.startsWith('data:')) {
      this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    } else if (line === 'data') this.data.push('');
    // `:` comments, event:, id:, retry: and unknown fields carry nothing a completion needs.
  }
}
