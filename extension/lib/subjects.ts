/**
 * What a capture is about, as a page, a queue entry and a tab agree on it: `youtube:<video id>`,
 * `gmail:<legacy message id>`. Apart from sites.ts so that a content script can name its
 * subject without loading the other sites' selectors (each script's size budget is 15 KB).
 */
export const youtubeSubject = (videoId: string) => `youtube:${videoId}`;
export const gmailSubject = (messageId: string) => `gmail:${messageId}`;
