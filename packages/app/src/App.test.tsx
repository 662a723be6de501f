import { render } from '@testing-library/react';
import App from './App';

jest.setTimeout(60_000);

describe('App', () => {
  it('renders, starting at the guest sign-in page', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    // The title from config, and the guest provider the README's run command signs in with.
    // The whole app loads first: on a busy machine that takes longer than findBy's 1 s.
    expect(
      await rendered.findByRole(
        'button',
        { name: 'Enter' },
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(rendered.getByText('Test')).toBeInTheDocument();
    expect(rendered.getByText(/Enter as a Guest User/)).toBeInTheDocument();
  });
});
