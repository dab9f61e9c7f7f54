// A Server Component: it renders <V2Uploader> directly. The component is a client boundary
// ('use client' in @v2-uploader/react), so it takes the uploader and the Supabase client from
// the <UploaderProvider> that <SignedIn> (a client component) puts around it.
import { V2Uploader } from '@v2-uploader/react';
import { Files } from './files';
import { SignedIn } from './signed-in';

export default function Page() {
  return (
    <main>
      <h1>Documents</h1>
      <SignedIn>
        <V2Uploader accept=".pdf" multiple />
        <Files />
      </SignedIn>
    </main>
  );
}
