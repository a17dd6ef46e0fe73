// A phone page's own data (its mood, stories, ballot, ready marks…) comes from the page's load, which
// depends on this name: after a post the phone reloads that alone, never the layout's live snapshot,
// which the stream keeps current in the browser.
export const PHONE_DATA = 'phone:data';
