/*
 * Access to catalog entities as the caller: reading an entity (unreadable ones look like
 * missing ones), checking the plugin's permissions against it, and who the caller is.
 */
export { authorOf } from './authorOf';
export { EntityAccess } from './EntityAccess';
