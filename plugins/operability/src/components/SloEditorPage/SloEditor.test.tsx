import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { newSloTemplate } from '../../lib/sloDocument';
import { SloEditor, type SloEditorProps } from './SloEditor';

const HUB = 'component:default/jupyterhub';
const THANOS = 'component:default/thanos';

/** Owners may write: the guest owns JupyterHub, not Thanos. */
const permissionApi = mockApis.permission({
  authorize: request =>
    'resourceRef' in request && request.resourceRef === HUB
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY,
});

function renderEditor(props: Partial<SloEditorProps> = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[permissionApiRef, permissionApi]]}>
      <SloEditor
        entityRef={HUB}
        initialYaml={newSloTemplate({
          name: 'jupyterhub',
          title: 'JupyterHub',
        })}
        management="api"
        onSave={async () => {}}
        {...props}
      />
    </TestApiProvider>,
  );
}

function yamlView(): HTMLTextAreaElement {
  return screen.getByLabelText('OpenSLO YAML') as HTMLTextAreaElement;
}

/** Enters a whole value into a form field, as pasting does. */
function enter(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('SloEditor', () => {
  it('keeps the form and the YAML in sync, both ways', async () => {
    await renderEditor();
    const target = screen.getByLabelText('Objective (%)');
    expect(target).toHaveValue('99');

    fireEvent.focus(target);
    fireEvent.change(target, { target: { value: '99.' } });
    // What is typed stays while the field has the focus ("99." is not turned into "99").
    expect(target).toHaveValue('99.');
    fireEvent.change(target, { target: { value: '99.5' } });
    fireEvent.blur(target);
    expect(target).toHaveValue('99.5');

    await userEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    expect(yamlView().value).toContain('target: 0.995');

    fireEvent.change(yamlView(), {
      target: {
        value: yamlView().value.replace('duration: 28d', 'duration: 30d'),
      },
    });
    await userEvent.click(screen.getByRole('tab', { name: 'Form' }));
    expect(screen.getByLabelText('Period')).toHaveValue('30d');
  });

  it('sets the phase with the keyboard, writing the annotation the deploy gate reads', async () => {
    await renderEditor();
    const phase = screen.getByRole('button', { name: /Phase/ });
    expect(phase).toHaveTextContent('informing');
    phase.focus();
    await userEvent.keyboard('{Enter}');
    await userEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'enforcing',
      }),
    );
    expect(screen.getByRole('button', { name: /Phase/ })).toHaveTextContent(
      'enforcing',
    );
    await userEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    expect(yamlView().value).toContain('airworthy.dev/phase: enforcing');
  });

  it('shows the engine messages at their fields', async () => {
    await renderEditor();
    enter('Name', 'Hub_Availability');
    const name = screen.getByLabelText('Name');

    expect(name).toHaveAttribute('aria-invalid', 'true');
    const helper = document.getElementById('slo-field-name-helper-text');
    expect(helper?.textContent).toMatch(/RFC 1123|lower-case/i);
    // The preview keeps the last valid definition, marked stale.
    expect(
      screen.getByText(/^Stale: this is the last valid definition/),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent(
      /1 problem in the definition: it is shown at its field\./,
    );
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(
      screen.getByText('Fix the problem above to save.'),
    ).toBeInTheDocument();
  });

  it('previews the budget in minutes and the alert thresholds as the target changes', async () => {
    await renderEditor();
    const preview = screen.getByTestId('slo-preview-jupyterhub-availability');
    // 1% of 28 days = 403.2 minutes
    expect(preview).toHaveTextContent('Error budget: 6h 43m');
    expect(preview).toHaveTextContent('403.2 minutes');

    enter('Objective (%)', '98');
    // 2% of 28 days = 806.4 minutes; the fastest page fires at 13.44x, 26.88% errors.
    expect(preview).toHaveTextContent('806.4 minutes');
    const table = within(preview).getByRole('table');
    const firstRow = within(table).getAllByRole('row')[1];
    expect(firstRow).toHaveTextContent('1h and 5m');
    expect(firstRow).toHaveTextContent('13.44×');
    expect(firstRow).toHaveTextContent('26.88%');
    expect(firstRow).toHaveTextContent('2d 2h');
  });

  it('shows what the budget would have been with the data of the last period', async () => {
    await renderEditor({
      data: {
        from: '2026-10-28T12:00:00Z',
        to: '2026-11-25T12:00:00Z',
        period: '28d',
        good: 39_900,
        total: 40_320,
      },
    });
    // 420 bad of 403.2 allowed at 99%: overspent by 4.2%.
    expect(screen.getByTestId('slo-preview-history')).toHaveTextContent(
      'overspent its budget by 4.2%',
    );
    enter('Objective (%)', '98');
    expect(screen.getByTestId('slo-preview-history')).toHaveTextContent(
      '47.9% of its budget left (6h 26m)',
    );
  });

  it('disables Save with the reason when the user may not change the entity', async () => {
    await renderEditor({ entityRef: THANOS });
    const save = screen.getByRole('button', { name: 'Save' });
    await waitFor(() =>
      expect(
        screen.getByText(
          /You may not change the SLOs of component:default\/thanos/,
        ),
      ).toBeInTheDocument(),
    );
    // Said at the top, before the form is filled, and again next to the button.
    const notice = screen.getByText(
      /You may not change the SLOs of component:default\/thanos/,
    );
    expect(
      notice.compareDocumentPosition(save) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(save).toBeDisabled();
    expect(save).toHaveAttribute('aria-describedby', 'slo-save-reason');
    expect(screen.getByText(/Saving needs the permission/)).toBeInTheDocument();
  });

  it('saves the YAML and reports the server refusing it', async () => {
    const saved: string[] = [];
    await renderEditor({
      onSave: async yaml => {
        saved.push(yaml);
        if (saved.length === 2) throw new Error('name is already used');
      },
    });
    const save = screen.getByRole('button', { name: 'Save' });
    await waitFor(() => expect(save).toBeEnabled());
    await userEvent.click(save);
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(saved[0]).toContain('name: jupyterhub-availability');

    await userEvent.click(save);
    expect(
      await screen.findByText('The SLO was not saved: name is already used'),
    ).toBeInTheDocument();
  });

  it('shows the YAML to commit instead of saving repo-managed SLOs', async () => {
    await renderEditor({
      management: 'repo',
      sourceLocation:
        'https://github.com/operate-first/apps/blob/master/slos/jupyterhub.yaml',
    });
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.getByText('YAML to commit')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^jupyterhub\.yaml/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/operate-first/apps/blob/master/slos/jupyterhub.yaml',
    );
  });

  it('lets a new SLO go to the repository instead', async () => {
    await renderEditor({ allowManagementChoice: true });
    await userEvent.click(screen.getByLabelText(/In the entity's repository/));
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(
      screen.getByText(/name the file in the entity's/),
    ).toBeInTheDocument();
  });

  it('falls back to the YAML view when the YAML does not parse', async () => {
    await renderEditor({ initialYaml: 'kind: SLO\nmetadata: [unclosed\n' });
    expect(
      screen.getByText(/The YAML has syntax errors: fix them in the YAML view/),
    ).toBeInTheDocument();
    expect(screen.getByText(/invalid YAML/)).toBeInTheDocument();
  });
});
