// The story's event stream. Live updates are a bonus: when the stream
// cannot be reached the block simply stays as it is, without a message.

const TYPES = ["created", "edited", "deleted", "reaction", "story", "bye"];

// live connects to url?after=… and calls on for each event until the
// returned stop is called. EventSource resends Last-Event-ID by itself on
// reconnects; after a "bye" we reconnect with ?after= the last ID seen.
export function live(url: string, after: number, on: (type: string, data: any) => void): () => void {
  let es: EventSource | undefined, timer: any, last = after;
  const open = () => {
    es = new EventSource(url + "?after=" + last);
    for (const type of TYPES) {
      es.addEventListener(type, (e) => {
        const m = e as MessageEvent;
        last = +m.lastEventId || last;
        let data: any;
        try {
          data = JSON.parse(m.data);
        } catch {
          return;
        }
        if (type == "bye") {
          es!.close();
          if (data.reason != "closed") timer = setTimeout(open, (data.retryAfter || 5) * 1000);
        }
        on(type, data);
      });
    }
  };
  open();
  return () => {
    clearTimeout(timer);
    es?.close();
  };
}
