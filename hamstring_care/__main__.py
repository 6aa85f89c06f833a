from hamstring_care.entry import main

main()
