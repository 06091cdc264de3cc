/** Every in-page feature, by the site it runs on. A new feature is one file plus one line here. */
import type { Feature } from "./feature";
import { videoActions } from "./video-actions";

export const youtubeFeatures: Feature[] = [videoActions];
