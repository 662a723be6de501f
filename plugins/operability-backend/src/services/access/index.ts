/*
 * Access to catalog entities as the caller: reading an entity (unreadable ones look like
 * missing ones) and checking the plugin's permissions against it.
 */
export { EntityAccess } from './EntityAccess';
