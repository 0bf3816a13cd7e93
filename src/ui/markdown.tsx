// A run's description (tag `mlflow.note.content`) rendered as markdown; the parser is a separate
// chunk fetched the first time a description is shown. Until then the text shows as it is.
import { useEffect, useState } from 'preact/hooks';

export function Markdown({ text }: { text: string }) {
  const [html, setHtml] = useState<string>();
  useEffect(() => {
    let current = true;
    import('./markdown-render.js').then(({ renderMarkdown }) => {
      if (current) setHtml(renderMarkdown(text));
    });
    return () => {
      current = false;
    };
  }, [text]);
  if (html === undefined) return <pre class="markdown">{text}</pre>;
  // Safe to insert: renderMarkdown emits no raw HTML and no script URLs (see markdown-render.ts).
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
