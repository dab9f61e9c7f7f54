import '@v2-uploader/elements/svelte';
