// Markdown to HTML that is safe to insert: markdown-it with raw HTML off (tags come out as text)
// and its link check on (javascript:, vbscript:, file: and non-image data: URLs are not linked).
// Loaded on demand, so pages without a description do not pay for the parser.
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// Links leave the app in a new tab and give the target no handle on this page.
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx].attrSet('target', '_blank');
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};

export const renderMarkdown = (text: string): string => md.render(text);
