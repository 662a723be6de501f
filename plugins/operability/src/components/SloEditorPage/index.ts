export { SloEditorPage } from './SloEditorPage';
export { SloEditor, type SloEditorProps } from './SloEditor';
